#!/usr/bin/env bash
# Times `seismo detect` of a run that flags many rows (wall time and CPU time, user and system;
# medians of ROUNDS runs, default 3): a rolling z-score of a synthetic minute series of ROWS rows
# (default 1000000) and FEATURES prices (default 1; scripts/minute_series.py) cut at the 95th
# percentile, which flags about 5 % of them. Its summary lists the 1,000 highest flags and events
# of tens of thousands, each with its time of day. AGAINST=path/to/seismo times that build too,
# each round interleaved with this one's, and says whether both wrote the same summary (timings,
# run id and start aside) and scores.csv; SEISMO=path times another build in place of this one.
# SINK=postgres also stores each run through the postgres sink, on a throwaway server, in a
# database of each build's own (migrated by it), and says whether both stored the same events.
# Then times reading that run back: `seismo report` and `seismo evaluate` (against every
# 50,000th row's time as labels), each build on a copy of the first build's run folder, ROUNDS
# times interleaved, and with AGAINST says whether both wrote the same report.html and
# evaluation.json. Prints the load before and after.
#
#   scripts/bench-summary.sh
#   AGAINST=/tmp/seismo-before ROWS=200000 scripts/bench-summary.sh
#   SINK=postgres AGAINST=/tmp/seismo-before scripts/bench-summary.sh
#   FEATURES=8 AGAINST=/tmp/seismo-before scripts/bench-summary.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
rounds=${ROUNDS:-3}
features=${FEATURES:-1}
case "${SINK:-}" in
  postgres) source scripts/pg-bench-env.sh ;;  # builds, starts the server, makes $work
  "")
    if [ -z "${SEISMO:-}" ]; then swift build -c release --product seismo >&2; fi
    seismo=${SEISMO:-$(pwd)/.build/release/seismo}
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    ;;
  *) echo "bench-summary: SINK is postgres or unset, not '$SINK'" >&2; exit 64 ;;
esac
builds=("$seismo")
[ -z "${AGAINST:-}" ] || builds+=("$AGAINST")
python3 scripts/minute_series.py "$rows" "$work/series.csv" "$features"
urls=()
for b in "${!builds[@]}"; do
  printf 'source: { plugin: csv, path: %s, time_format: "%%s" }\nsplit: { train_fraction: 0.2 }\ndetector: { plugin: rolling-zscore, window: 60, transform: log_return }\nthreshold: { plugin: percentile, percentile: 95 }\n' \
    "$work/series.csv" > "$work/run$b.yaml"
  if [ -n "${SINK:-}" ]; then
    psql "$SEISMO_TEST_PG_URL" -qc "CREATE DATABASE bench_$b"
    urls+=("${SEISMO_TEST_PG_URL%/*}/bench_$b")
    "${builds[$b]}" db migrate --url "${urls[$b]}" > /dev/null
    printf 'sinks:\n  - { plugin: postgres, url: "%s" }\n' "${urls[$b]}" >> "$work/run$b.yaml"
  fi
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  for b in "${!builds[@]}"; do
    /usr/bin/time -f "$b %e %U %S" -a -o "$work/times" "${builds[$b]}" detect "$work/run$b.yaml" --out "$work/out.$b.$r" --quiet
  done
done
for b in "${!builds[@]}"; do
  wall=$(awk -v b="$b" '$1 == b { print $2 }' "$work/times" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  cpu=$(awk -v b="$b" '$1 == b { print $3 + $4 }' "$work/times" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  counts=$(python3 -c "import json, sys; s = json.load(open(sys.argv[1])); print(f\"{s['anomaly_count']} flags, {s['event_count']} events\")" \
    "$work/out.$b.1/summary.json")
  echo "detect, $rows rows$([ "$features" = 1 ] || echo " of $features features") at the 95th percentile ($counts)${SINK:+, stored in PostgreSQL}: ${builds[$b]}: $wall s, $cpu s of CPU (medians of $rounds)"
done
if [ ${#builds[@]} -gt 1 ]; then
  # The summary but for what each run times or names afresh: its timings, each fold's fit_s,
  # run id and start.
  summary() {
    python3 -c "import json, sys; s = json.load(open(sys.argv[1])); [s.pop(k) for k in ('timings', 'run_id', 'started_at')]; [f.pop('fit_s') for f in s['folds']]; print(json.dumps(s, sort_keys=True))" "$1"
  }
  if [ "$(summary "$work/out.0.1/summary.json")" = "$(summary "$work/out.1.1/summary.json")" ] &&
    cmp -s "$work/out.0.1/scores.csv" "$work/out.1.1/scores.csv"; then
    echo "  the two builds wrote the same summary and scores.csv"
  else
    echo "  the two builds' summaries or scores.csv DIFFER"
  fi
  if [ -n "${SINK:-}" ]; then
    events() {
      psql "$1" -Atc "SELECT md5(string_agg(concat_ws(',', start_ts, end_ts, alert_ts, flagged_rows, peak_score, top_feature, part), ';' ORDER BY run, start_ts)), count(*) FROM seismo.events"
    }
    if [ "$(events "${urls[0]}")" = "$(events "${urls[1]}")" ]; then
      echo "  the two builds stored the same events"
    else
      echo "  the two builds' stored events DIFFER"
    fi
  fi
fi
# Reading the run back: each build a copy of the first build's first run folder, every round.
awk -F, 'NR > 1 && NR % 50000 == 0 { print $1 }' "$work/out.0.1/scores.csv" > "$work/labels.txt"
for r in $(seq "$rounds"); do
  for b in "${!builds[@]}"; do
    rm -rf "$work/back.$b" && cp -r "$work/out.0.1" "$work/back.$b"
    /usr/bin/time -f "$b %e" -a -o "$work/report-times" "${builds[$b]}" report "$work/back.$b" > /dev/null
    /usr/bin/time -f "$b %e" -a -o "$work/evaluate-times" "${builds[$b]}" evaluate "$work/back.$b" --labels "$work/labels.txt" > /dev/null
  done
done
for b in "${!builds[@]}"; do
  for step in report evaluate; do
    wall=$(awk -v b="$b" '$1 == b { print $2 }' "$work/$step-times" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    echo "$step of that run: ${builds[$b]}: $wall s (median of $rounds)"
  done
done
if [ ${#builds[@]} -gt 1 ]; then
  if cmp -s "$work/back.0/report.html" "$work/back.1/report.html" && cmp -s "$work/back.0/evaluation.json" "$work/back.1/evaluation.json"; then
    echo "  the two builds wrote the same report.html and evaluation.json"
  else
    echo "  the two builds' report.html or evaluation.json DIFFER"
  fi
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
