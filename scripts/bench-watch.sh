#!/usr/bin/env bash
# Measures `seismo watch`: the latency from committing one new row to its score being visible
# (p50, p99) and the rows/s of a burst, against a throwaway PostgreSQL server (see bench-watch.py).
#
#   scripts/bench-watch.sh [--detector lstm-forecaster|rolling-zscore|ensemble] [--rows 200] [--burst 500]
#
# Needs psycopg once: python3 -m venv /tmp/pgenv && /tmp/pgenv/bin/pip install "psycopg[binary]"
# (set PG_PYTHON to use another interpreter). Run it when nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PG_PYTHON:-/tmp/pgenv/bin/python}
[ -x "$python" ] || { echo "bench-watch: no python with psycopg at $python (see the header of this script)" >&2; exit 1; }
source scripts/pg-bench-env.sh
"$python" scripts/bench-watch.py "$SEISMO_TEST_PG_URL" "$seismo" "$@"
