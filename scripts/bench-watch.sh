#!/usr/bin/env bash
# Measures `seismo watch`: the latency from committing one new row to its score being visible
# (p50, p99) and the rows/s of a burst, against a throwaway PostgreSQL server (see bench-watch.py).
#
#   scripts/bench-watch.sh [--detector lstm-forecaster|rolling-zscore|ensemble] [--rows 200] [--burst 500]
#                          [--history 500] [--version threshold.plugin=spot ...]
#
# --version SETTING (repeatable) gives the run a threshold version before it is watched
# (`seismo rethreshold --set SETTING`); a per-row one is extended over the rows the watcher appends.
#
# Needs psycopg once: python3 -m venv /tmp/pgenv && /tmp/pgenv/bin/pip install "psycopg[binary]"
# (set PG_PYTHON to use another interpreter). Run it when nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PG_PYTHON:-/tmp/pgenv/bin/python}
[ -x "$python" ] || { echo "bench-watch: no python with psycopg at $python (see the header of this script)" >&2; exit 1; }
source scripts/pg-bench-env.sh
"$python" scripts/bench-watch.py "$SEISMO_TEST_PG_URL" "$seismo" "$@"
