#!/usr/bin/env bash
# What a seismo process costs besides its work, wall and CPU (user + system), medians of ROUNDS
# runs (default 15): `seismo --version`, and a rolling z-score `detect` of a synthetic minute
# series (scripts/minute_series.py) of 10,000 rows and of 1,000,000. AGAINST=path/to/seismo
# times that build too, interleaved run by run. Run it when nothing else runs; it prints the load
# before and after.
#
#   scripts/bench-process.sh     AGAINST=/tmp/seismo-before ROUNDS=25 scripts/bench-process.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-15}
swift build -c release --product seismo >&2
builds=("$(pwd)/.build/release/seismo")
[ -z "${AGAINST:-}" ] || builds+=("$AGAINST")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for rows in 10000 1000000; do
  python3 scripts/minute_series.py "$rows" "$work/$rows.csv"
  printf 'source: { plugin: csv, path: %s, time_format: "%%s" }\nsplit: { train_fraction: 0.2 }\ndetector: { plugin: rolling-zscore, window: 60, transform: log_return }\nthreshold: { plugin: percentile, percentile: 95 }\n' \
    "$work/$rows.csv" > "$work/$rows.yaml"
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$rounds" "${builds[@]}" <<'PY'
import os, shutil, statistics, subprocess, sys, time
work, rounds, builds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
runs = [("seismo --version", ["--version"]),
        ("detect, 10,000 rows", ["detect", f"{work}/10000.yaml", "--out", f"{work}/out", "--quiet"]),
        ("detect, 1,000,000 rows", ["detect", f"{work}/1000000.yaml", "--out", f"{work}/out", "--quiet"])]
times = {}  # (run, build): [(wall, cpu)], each from the child's own resource usage
for _ in range(rounds):
    for k, (_, args) in enumerate(runs):
        for b, build in enumerate(builds):
            started = time.perf_counter()
            child = subprocess.Popen([build] + args, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
            assert status == 0, f"{build} {args} exited {status}"
            times.setdefault((k, b), []).append((wall, usage.ru_utime + usage.ru_stime))
            shutil.rmtree(f"{work}/out", ignore_errors=True)
for k, (name, _) in enumerate(runs):
    for b, build in enumerate(builds):
        wall = statistics.median(w for w, _ in times[k, b])
        cpu = statistics.median(c for _, c in times[k, b])
        print(f"{name}: {build}: {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU (medians of {rounds})")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
