#!/usr/bin/env python3
"""Latency of `seismo watch`: from the commit of one new row to its score being visible.

Sets up a table of HISTORY daily rows of one indicator, a stored run of DETECTOR on it and a
watcher, then commits ROWS new rows one at a time (each waits for its score) and reports the
p50 and p99 latency, then commits a burst of BURST rows and reports the sustained rows/s until
all are scored. With --version SETTING (repeatable), the run gets a threshold version first
(`seismo rethreshold RUN --set SETTING ...`), which the watcher extends over the rows it appends.
Needs psycopg (pip install "psycopg[binary]") and a server; see bench-watch.sh.

    bench-watch.py URL SEISMO [--detector lstm-forecaster|rolling-zscore|ensemble] [--rows 200] [--burst 500]
                   [--version threshold.plugin=spot ...]
"""
import argparse, json, math, os, random, statistics, subprocess, sys, tempfile, time

import psycopg

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("seismo")
parser.add_argument("--detector", default="lstm-forecaster")
parser.add_argument("--history", type=int, default=500)
parser.add_argument("--rows", type=int, default=200)
parser.add_argument("--burst", type=int, default=500)
parser.add_argument("--version", action="append", default=[], metavar="SETTING")
args = parser.parse_args()

schema = "bench_watch"
work = tempfile.mkdtemp()
day0 = 18262  # 2020-01-01


def value(r):
    return 100 + 5 * math.sin(r / 30) + random.Random(r).uniform(-0.5, 0.5)


def date(r):
    return time.strftime("%Y-%m-%d", time.gmtime((day0 + r) * 86400))


def seismo(*argv):
    return subprocess.run([args.seismo, *argv], cwd=work, check=True, capture_output=True, text=True).stdout


with open(os.path.join(work, "history.csv"), "w") as f:
    f.write("date,vix\n" + "".join(f"{date(r)},{value(r):.4f}\n" for r in range(args.history)))
with psycopg.connect(args.url, autocommit=True) as db:
    db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
seismo("db", "migrate", "--url", args.url)
seismo("ingest", "history.csv", "--url", args.url, "--schema", schema, "--table", "m", "--create")
forecaster = "{ plugin: lstm-forecaster, window: 10, units: [32], epochs: 5 }"
zscore = "{ plugin: rolling-zscore, window: 20 }"
# An ensemble: the forecaster, and the rolling z-score under likelihood as a second member.
detector = {
    "lstm-forecaster": forecaster,
    "rolling-zscore": zscore,
    "ensemble": forecaster + "\nensemble: [{ detector: " + zscore
    + ", threshold: { plugin: likelihood, short_window: 1, long_window: 200, min_history: 50 } }]",
}[args.detector]
with open(os.path.join(work, "run.yaml"), "w") as f:
    f.write(
        f'source: {{ plugin: postgres, url: "{args.url}", schema: {schema}, table: m }}\n'
        f"detector: {detector}\nthreshold: {{ plugin: percentile, percentile: 99 }}\n"
        f'sink: {{ plugin: postgres, url: "{args.url}", save_model: true }}\n')
run = json.loads(seismo("detect", "run.yaml", "--json", "--quiet", "--out", "run"))["run_id"]
if args.version:
    seismo("rethreshold", run, "--url", args.url, *[a for setting in args.version for a in ("--set", setting)])
seismo("db", "watch", "--url", args.url, "--schema", schema, "--table", "m")
watcher = subprocess.Popen([args.seismo, "watch", "--run", run, "--url", args.url, "--quiet"], cwd=work)

with psycopg.connect(args.url, autocommit=True) as db:
    def scored():
        # The run's rows are scored in order, without gaps: its last scored row counts them
        # (read from the index, where a count would read every row of a long history).
        return db.execute(
            "SELECT max(s.row_no) + 1 FROM seismo.scores s WHERE s.run = (SELECT id FROM seismo.runs WHERE run_id = %s)",
            (run,),
        ).fetchone()[0]

    def wait_for(count, limit=60):
        deadline = time.perf_counter() + limit
        while scored() < count:
            if time.perf_counter() > deadline or watcher.poll() is not None:
                sys.exit("bench-watch: the watcher did not score the rows")
            time.sleep(0.0005)

    base = scored()
    time.sleep(1)  # the watcher's catch-up
    latencies = []
    r = args.history
    for k in range(args.rows):
        started = time.perf_counter()
        db.execute(f"INSERT INTO {schema}.m (ts, vix) VALUES (%s, %s)", (date(r), value(r)))
        wait_for(base + k + 1)
        latencies.append(time.perf_counter() - started)
        r += 1
    started = time.perf_counter()
    for k in range(args.burst):
        db.execute(f"INSERT INTO {schema}.m (ts, vix) VALUES (%s, %s)", (date(r), value(r)))
        r += 1
    wait_for(base + args.rows + args.burst, limit=600)
    burst_s = time.perf_counter() - started
watcher.terminate()
watcher.wait()
latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(json.dumps({
    "detector": args.detector, "version": args.version, "history_rows": args.history, "rows": args.rows,
    "latency_ms_p50": round(p(0.50), 1), "latency_ms_p99": round(p(0.99), 1), "latency_ms_max": round(latencies[-1] * 1000, 1),
    "burst_rows": args.burst, "burst_rows_per_s": round(args.burst / burst_s, 1),
    "load": os.getloadavg(),
}))
